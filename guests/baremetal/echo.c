/* SPDX-License-Identifier: Apache-2.0 */
/*
 * echo: read lines from the UART (ended by CR or LF; CR LF counts once) and
 * print each as `echo: got '<line>'`.  Backspace/DEL edit the line; other
 * control characters are shown in caret notation (0x1c as `^\`), so a test
 * can see exactly which arrived; a line longer than the buffer is printed in
 * pieces.  lines=<n> powers off after
 * n lines (default: never); delay=<time> pauses that long after each line
 * it echoes before reading on (what is typed meanwhile waits: the console's
 * flow control).
 */
#include <bm/bm.h>

#define ECHO_LINE_MAX 128

int main(const void *dtb)
{
	char line[ECHO_LINE_MAX + 1];
	uint64_t lines = 0, done = 0, delay_us = 0;
	size_t len = 0;
	char prev = 0;

	(void)dtb;
	if (bm_bootargs_get_u64(bm_bootargs(), "lines", &lines) < 0)
		lines = 0;
	if (bm_bootargs_get_duration_us(bm_bootargs(), "delay", &delay_us) < 0)
		delay_us = 0;
	bm_printf("echo: ready\n");
	while (lines == 0 || done < lines) {
		char c = bm_uart_getc_wait();
		bool eol = c == '\r' || c == '\n';

		if (c == '\n' && prev == '\r') {
			prev = 0;
			continue;
		}
		prev = c;
		if (c == '\b' || c == 0x7f) {
			if (len > 0)
				len--;
			continue;
		}
		if (!eol && (unsigned char)c >= 0x20 && c != 0x7f) {
			line[len++] = c;
		} else if (!eol && (unsigned char)c < 0x20) {
			/* Caret notation needs two characters. */
			if (len + 2 > ECHO_LINE_MAX) {
				line[len] = '\0';
				bm_printf("echo: got '%s'\n", line);
				len = 0;
				done++;
			}
			line[len++] = '^';
			line[len++] = (char)(c + 0x40);
		}
		if (eol || len == ECHO_LINE_MAX) {
			line[len] = '\0';
			bm_printf("echo: got '%s'\n", line);
			len = 0;
			done++;
			bm_delay_us(delay_us);
		}
	}
	return 0;
}
