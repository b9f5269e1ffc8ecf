/*
 * harness: runs a firmware ELF on a simulated ATmega328P (Arduino Uno,
 * 16 MHz) in simavr, bridges UART0 to a pseudo-terminal and timestamps
 * every level change of the watched pins in simulated time.
 *
 *   harness -f firmware.elf -l LINK -e EDGES [-p PINS]
 *
 * LINK becomes a symlink to the pty's slave side, so a client opens it as
 * it would open /dev/ttyACM0. EDGES receives one line per edge:
 * "pin t_ns level" (pin is the Arduino pin number, t_ns simulated
 * nanoseconds since the first power-up, level 0 or 1). PINS is a comma
 * list of Arduino pins to watch (default 2..13).
 *
 * Commands on stdin, one per line (answers go to stdout):
 *   unplug          close the pty and power the board off (a pulled cable
 *                   on a USB-powered Uno): the client's reads and writes
 *                   fail with EIO, the servos get no more pulses
 *   plug            power up again from reset behind a new pty; LINK is
 *                   pointed at it
 *   pin N LEVEL     drive Arduino pin N (an input) to 0 or 1
 *   adc N MV        put MV millivolts on analog input AN (AVCC is 5000 mV)
 *   time            print "time t_ns": simulated time now
 *   mark            print "mark t_ns": the simulated instant the host's
 *                   last byte reaches (or reached) the UART
 *   quit            exit
 * Every answer is one line: "ok ...", "pty PATH", "time T" or "error ...".
 * EOF on stdin quits too, so the harness never outlives its parent.
 *
 * Simulated time is held to the wall clock, never ahead of it, as a real
 * board's would be (which also keeps the host's CPU use low). On a busy
 * host it may fall behind, so a reader thread stamps every byte from the
 * pty with the wall-clock time it arrived, and the byte reaches the UART
 * that long after the previous one in simulated time: the firmware sees
 * the host's timing as it was, however fast the simulation runs. Only a
 * silence of the host longer than MAX_GAP, with nothing left to deliver,
 * is shortened to MAX_GAP, so that a slow simulation catches up while the
 * host waits, and its first bytes after a plug are delivered at once
 * (they had waited MAX_GAP: 12 s of wall time at the 4% of real time seen
 * under load). The host may also be answering the firmware, so a byte
 * comes no later after the firmware's last bytes than it was written
 * after they reached the host, in wall time. Counted from the host's
 * previous write alone, a lagging simulation's own slowness (the wait for
 * that write's instant, the reply computed at a fraction of real time)
 * was added to every round trip, up to MAX_GAP each, and gobot's
 * handshake (4 round trips) outlasted its 15 s on a loaded host: 12 of 12
 * runs of TestHILSensors failed to connect beside 4 busy loops and a load
 * average of 8 from other work. "mark" names the instant of the host's
 * last byte, so a client can ask what the pins did after its last write.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <simavr/avr_adc.h>
#include <simavr/avr_ioport.h>
#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_irq.h>

#define F_CPU 16000000ULL
/* Host I/O is serviced every 1 ms of simulated time: 57600 baud carries
 * under 6 bytes per ms, far below the UART's 64-byte receive FIFO. */
#define SLICE_CYCLES (F_CPU / 1000)
#define NPINS 20 /* Uno: D0..D13, A0..A5 as D14..D19 */
#define MAX_GAP 500000000ULL /* ns; far above any gap inside the protocol */

static avr_t *avr;
static struct timespec wall0;
static FILE *answers; /* the original stdout: simavr's own chatter goes to stderr */
static FILE *edges;
static const char *link_path;
static int master = -1;                   /* pty master; -1 while unplugged */
static int xon = 1;                       /* UART receive FIFO has room */
static int level[NPINS];                  /* last level seen per pin */
static uint64_t cycle_base;               /* cycles before the last power-up */
static uint8_t outbuf[4096];              /* MCU -> host, not yet written */

/* Host -> MCU bytes with their arrival on the simulated time line, filled
 * by the reader thread, emptied by the simulation. */
#define INQ 65536
static struct { uint8_t b; uint64_t at; } inq[INQ];
static size_t inhead, intail; /* indexes mod INQ */
static pthread_mutex_t inmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_t reader;
static volatile int reading;
static int64_t offset;   /* delivery time - wall time of the host's bytes */
static uint64_t last_at; /* delivery time of the host's last byte */
static int host_seen;              /* the host has written since the plug */
static int out_seen;               /* the host has been sent bytes since the plug */
static uint64_t out_at, out_wall;  /* simulated and wall time they were last sent */
static size_t outlen;

static uint64_t now_ns(void) { return (cycle_base + avr->cycle) * 1000000000ULL / F_CPU; }

/* wall_ns is the wall clock on the simulated time line: time since the
 * first power-up, less the time spent unplugged. */
static uint64_t wall_ns(void) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t d = (int64_t)(now.tv_sec - wall0.tv_sec) * 1000000000LL + (now.tv_nsec - wall0.tv_nsec);
	return d > 0 ? (uint64_t)d : 0;
}

/* take_host moves what the host has written into the queue, stamped.
 * Called with inmu held, by the reader thread and by "mark" (so a mark
 * covers every byte written before it was asked for). */
static void take_host(int fd) {
	uint8_t buf[256];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		uint64_t sim = now_ns(); /* a racy read of avr->cycle: a hint only */
		uint64_t wall = wall_ns();
		uint64_t at = (uint64_t)((int64_t)wall + offset);
		uint64_t latest = at;
		if (out_seen && wall >= out_wall && out_at + (wall - out_wall) < latest)
			latest = out_at + (wall - out_wall); /* an answer to the firmware's last bytes */
		if (inhead == intail && sim + MAX_GAP < latest)
			latest = sim + MAX_GAP;
		if (!host_seen && sim < latest)
			latest = sim; /* no earlier byte to keep the timing to */
		host_seen = 1;
		if (at > latest) {
			offset -= (int64_t)(at - latest);
			at = latest;
		}
		if (inhead != intail && at < last_at) at = last_at; /* behind the bytes still queued */
		if (at < sim) at = sim; /* delivered at the next slice */
		last_at = at;
		for (ssize_t i = 0; i < n && (intail + 1) % INQ != inhead; i++) {
			inq[intail].b = buf[i];
			inq[intail].at = at;
			intail = (intail + 1) % INQ;
		}
	}
}

/* read_host stamps the host's bytes as they arrive. A pty whose client
 * side is closed polls as hung up: wait for the client to open it. */
static void *read_host(void *arg) {
	int fd = (int)(intptr_t)arg;
	while (reading) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 10) <= 0) continue;
		if (!(p.revents & POLLIN)) {
			usleep(10000);
			continue;
		}
		pthread_mutex_lock(&inmu);
		take_host(fd);
		pthread_mutex_unlock(&inmu);
	}
	return NULL;
}

/* Uno pin numbering: D0..D7 on port D, D8..D13 on port B, A0..A5 on C. */
static int pin_port(int pin, char *port, int *bit) {
	if (pin < 0 || pin >= NPINS) return -1;
	if (pin < 8) { *port = 'D'; *bit = pin; }
	else if (pin < 14) { *port = 'B'; *bit = pin - 8; }
	else { *port = 'C'; *bit = pin - 14; }
	return 0;
}

/* on_port sees every write of a PORT register. A watched pin's level is
 * its output latch: driven when the pin is an output, the pull-up when it
 * is an input. The latch, not simavr's per-pin IRQ, is the truth here:
 * simavr raises a pin's IRQ only while it is an output, so a pin turned
 * input (and its latch cleared) would keep its last level in the trace. */
static int watched[NPINS];
static void on_port(struct avr_irq_t *irq, uint32_t value, void *param) {
	(void)irq;
	char port = (char)(intptr_t)param;
	for (int pin = 0; pin < NPINS; pin++) {
		char pp;
		int bit;
		if (!watched[pin] || pin_port(pin, &pp, &bit) < 0 || pp != port) continue;
		int v = (value >> bit) & 1;
		if (v == level[pin]) continue; /* port writes that change nothing here */
		level[pin] = v;
		fprintf(edges, "%d %llu %d\n", pin, (unsigned long long)now_ns(), v);
	}
}

static void on_uart_out(struct avr_irq_t *irq, uint32_t value, void *param) {
	(void)irq; (void)param;
	if (master < 0) return;
	if (outlen < sizeof outbuf) outbuf[outlen++] = (uint8_t)value;
}
static void on_xon(struct avr_irq_t *irq, uint32_t value, void *param) { (void)irq; (void)value; (void)param; xon = 1; }
static void on_xoff(struct avr_irq_t *irq, uint32_t value, void *param) { (void)irq; (void)value; (void)param; xon = 0; }

static int open_pty(void) {
	int m, s;
	char name[256];
	if (openpty(&m, &s, name, NULL, NULL) < 0) {
		fprintf(stderr, "harness: openpty: %s\n", strerror(errno));
		return -1;
	}
	struct termios t;
	if (tcgetattr(s, &t) == 0) { /* a raw line, as a USB CDC port is */
		cfmakeraw(&t);
		tcsetattr(s, TCSANOW, &t);
	}
	close(s); /* the client opens the slave by name */
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	unlink(link_path);
	if (symlink(name, link_path) < 0) {
		fprintf(stderr, "harness: symlink %s -> %s: %s\n", link_path, name, strerror(errno));
		close(m);
		return -1;
	}
	master = m;
	pthread_mutex_lock(&inmu);
	inhead = intail = 0;
	offset = 0;
	last_at = now_ns();
	host_seen = out_seen = 0;
	pthread_mutex_unlock(&inmu);
	reading = 1;
	if (pthread_create(&reader, NULL, read_host, (void *)(intptr_t)m) != 0) {
		fprintf(stderr, "harness: cannot start the pty reader\n");
		close(m);
		master = -1;
		return -1;
	}
	fprintf(answers, "pty %s\n", name);
	fflush(answers);
	return 0;
}

static void unplug(void) {
	if (master >= 0) {
		reading = 0;
		pthread_join(reader, NULL);
		close(master);
	}
	master = -1;
	outlen = 0;
	unlink(link_path);
}

static void apply_external(char port);
static int plug(void) {
	cycle_base += avr->cycle;
	avr_reset(avr);
	for (const char *port = "BCD"; *port; port++)
		apply_external(*port); /* the reset cleared PINx; the sensors are still wired */
	avr->cycle = 0;
	xon = 1;
	return open_pty();
}

/* drive_pin holds an input pin at a level, as a sensor wired to it does.
 * Raising the pin's IRQ alone would not last: simavr re-raises the IRQs
 * of a port's pins on every write of that port (the servo pulses on the
 * same port), so the level is also set as the port's external state.
 *
 * Nor does that last by itself across a spell as an output (simavr 1.6,
 * sim/avr_ioport.c, https://github.com/buserror/simavr): a read of PINx
 * stores what it returns back into PINx, which for an output pin is its
 * PORTx latch, while the pin's IRQ keeps the driven level. The IRQ is
 * IRQ_FLAG_FILTERED, so when the pin turns input again the port re-raises
 * the external level into an IRQ that already holds it: no notify, and
 * PINx keeps the latch's level for good. StandardFirmata (2.5.9) reads
 * PIND on every pass of loop() once port 0 reports, and pins start as
 * outputs after its reset; a level driven before the host turned the pin
 * input was lost unless a servo pulse rewrote PORTD in between (the
 * sensor test lost "pin 2 1" in 2-4 of 6 runs beside 4 busy loops, when
 * the command overtook the host's SET_PIN_MODE still queued in the
 * harness). hold_inputs makes each driven input pin's IRQ agree with PINx
 * before the port re-raises the external level, so any difference reaches
 * PINx, as the sensor's level reaches a real pin. */
static uint8_t ext_mask[3], ext_value[3]; /* ports B, C, D */
static void hold_inputs(char port, uint8_t ddr) {
	int k = port - 'B';
	avr_ioport_state_t st;
	if (avr_ioctl(avr, AVR_IOCTL_IOPORT_GETSTATE(port), &st) != 0) return;
	for (int bit = 0; bit < 8; bit++) {
		if (!(ext_mask[k] & ~ddr & (1 << bit))) continue;
		avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit)->value = ((uint32_t)st.pin >> bit) & 1;
	}
}

/* on_ddr sees every write of a DDR register, before simavr stores it and
 * re-raises the port's pins. */
static void on_ddr(struct avr_irq_t *irq, uint32_t value, void *param) {
	(void)irq;
	hold_inputs((char)(intptr_t)param, (uint8_t)value);
}

/* apply_external puts every driven level of a port on its pins now. */
static void apply_external(char port) {
	int k = port - 'B';
	avr_ioport_state_t st;
	if (avr_ioctl(avr, AVR_IOCTL_IOPORT_GETSTATE(port), &st) == 0)
		hold_inputs(port, (uint8_t)st.ddr);
	for (int bit = 0; bit < 8; bit++)
		if (ext_mask[k] & (1 << bit))
			avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit), (ext_value[k] >> bit) & 1);
}

static void drive_pin(int pin, int v) {
	char port;
	int bit;
	if (pin_port(pin, &port, &bit) < 0) {
		fprintf(answers, "error pin %d: the Uno has pins 0..%d\n", pin, NPINS - 1);
		return;
	}
	int k = port - 'B';
	ext_mask[k] |= (uint8_t)(1 << bit);
	ext_value[k] = (uint8_t)((ext_value[k] & ~(1 << bit)) | ((v ? 1 : 0) << bit));
	avr_ioport_external_t ext = {.name = (unsigned long)port, .mask = ext_mask[k], .value = ext_value[k]};
	avr_ioctl(avr, AVR_IOCTL_IOPORT_SET_EXTERNAL(port), &ext);
	apply_external(port);
	fprintf(answers, "ok pin %d %d\n", pin, v ? 1 : 0);
}

static void drive_adc(int ch, int mv) {
	if (ch < 0 || ch > 5 || mv < 0 || mv > 5000) {
		fprintf(answers, "error adc %d %d: want A0..A5 and 0..5000 mV\n", ch, mv);
		return;
	}
	avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_ADC0 + ch), (uint32_t)mv);
	fprintf(answers, "ok adc %d %d\n", ch, mv);
}

/* command runs one stdin line; it returns 1 to quit. */
static int command(char *line) {
	int a, b;
	if (strncmp(line, "quit", 4) == 0) return 1;
	if (strncmp(line, "unplug", 6) == 0) {
		unplug();
		fprintf(answers, "ok unplug\n");
	} else if (strncmp(line, "plug", 4) == 0) {
		if (master >= 0) fprintf(answers, "error already plugged\n");
		else if (plug() < 0) fprintf(answers, "error plug failed\n");
	} else if (sscanf(line, "pin %d %d", &a, &b) == 2) {
		drive_pin(a, b);
	} else if (sscanf(line, "adc %d %d", &a, &b) == 2) {
		drive_adc(a, b);
	} else if (strncmp(line, "mark", 4) == 0) {
		pthread_mutex_lock(&inmu);
		if (master >= 0) take_host(master);
		uint64_t at = last_at;
		pthread_mutex_unlock(&inmu);
		fprintf(answers, "mark %llu\n", (unsigned long long)at);
	} else if (strncmp(line, "time", 4) == 0) {
		fprintf(answers, "time %llu\n", (unsigned long long)now_ns());
	} else {
		fprintf(answers, "error unknown command: %s\n", line);
	}
	fflush(answers);
	return 0;
}

/* service moves bytes between the pty and the UART and reads commands;
 * it returns 1 when the harness should stop. */
static int service(void) {
	static char cmd[256];
	static size_t cmdlen;
	struct pollfd fds[1] = {{.fd = 0, .events = POLLIN}};
	int n = poll(fds, 1, 0);
	if (n < 0 && errno != EINTR) return 1;

	if (fds[0].revents & (POLLIN | POLLHUP)) {
		char c;
		ssize_t r;
		while ((r = read(0, &c, 1)) == 1) {
			if (c == '\n') {
				cmd[cmdlen] = 0;
				cmdlen = 0;
				if (command(cmd)) return 1;
				if (master < 0) break;
			} else if (cmdlen < sizeof cmd - 1) {
				cmd[cmdlen++] = c;
			}
			struct pollfd more = {.fd = 0, .events = POLLIN};
			if (poll(&more, 1, 0) <= 0) break;
		}
		if (r == 0) return 1; /* parent gone */
	}
	if (master < 0) return 0;

	/* Host -> MCU, each byte at its instant, while the receive FIFO has
	 * room. */
	pthread_mutex_lock(&inmu);
	while (xon && inhead != intail && inq[inhead].at <= now_ns()) {
		uint8_t b = inq[inhead].b;
		inhead = (inhead + 1) % INQ;
		pthread_mutex_unlock(&inmu);
		avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT), b);
		pthread_mutex_lock(&inmu);
	}
	pthread_mutex_unlock(&inmu);
	/* MCU -> host. With no client on the line the bytes are dropped,
	 * as a real UART's are. */
	if (outlen > 0) {
		ssize_t w = write(master, outbuf, outlen);
		if (w > 0) {
			memmove(outbuf, outbuf + w, outlen - (size_t)w);
			outlen -= (size_t)w;
			pthread_mutex_lock(&inmu);
			out_seen = 1;
			out_at = now_ns();
			out_wall = wall_ns();
			pthread_mutex_unlock(&inmu);
		} else if (w < 0 && errno != EAGAIN) {
			outlen = 0;
		}
	}
	fflush(edges);
	return 0;
}

/* pace sleeps while simulated time is ahead of the host's time line. */
static void pace(void) {
	pthread_mutex_lock(&inmu);
	int64_t host = (int64_t)wall_ns() + offset;
	pthread_mutex_unlock(&inmu);
	int64_t ahead = (int64_t)now_ns() - host;
	if (ahead > 0) {
		struct timespec d = {.tv_sec = ahead / 1000000000LL, .tv_nsec = ahead % 1000000000LL};
		nanosleep(&d, NULL);
	}
}

static void usage(void) {
	fprintf(stderr, "usage: harness -f firmware.elf -l pty-link -e edges-file [-p pin,pin,...]\n");
	exit(2);
}

int main(int argc, char **argv) {
	const char *fw = NULL, *edges_path = NULL, *pins = "2,3,4,5,6,7,8,9,10,11,12,13";
	int opt;
	while ((opt = getopt(argc, argv, "f:l:e:p:")) != -1) {
		switch (opt) {
		case 'f': fw = optarg; break;
		case 'l': link_path = optarg; break;
		case 'e': edges_path = optarg; break;
		case 'p': pins = optarg; break;
		default: usage();
		}
	}
	if (!fw || !link_path || !edges_path) usage();

	/* simavr prints on stdout (the ELF loader, for one); answers keep a
	 * stream of their own and everything else goes to stderr. */
	answers = fdopen(dup(1), "w");
	if (!answers || dup2(2, 1) < 0) {
		fprintf(stderr, "harness: cannot set up stdout\n");
		return 1;
	}

	elf_firmware_t f;
	memset(&f, 0, sizeof f);
	if (elf_read_firmware(fw, &f) != 0) {
		fprintf(stderr, "harness: %s: not a readable AVR ELF\n", fw);
		return 1;
	}
	avr = avr_make_mcu_by_name("atmega328p");
	if (!avr) {
		fprintf(stderr, "harness: simavr has no atmega328p\n");
		return 1;
	}
	avr_init(avr);
	f.frequency = F_CPU;
	avr_load_firmware(avr, &f);
	avr->frequency = F_CPU;
	avr->vcc = avr->avcc = avr->aref = 5000; /* USB-powered Uno */
	avr->log = LOG_ERROR;

	edges = fopen(edges_path, "w");
	if (!edges) {
		fprintf(stderr, "harness: %s: %s\n", edges_path, strerror(errno));
		return 1;
	}
	/* No console echo and no sleeping in UART polls: the bytes are ours. */
	uint32_t flags = 0;
	avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
	avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), on_uart_out, NULL);
	avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON), on_xon, NULL);
	avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF), on_xoff, NULL);

	for (const char *p = pins; *p;) {
		char *end;
		long pin = strtol(p, &end, 10);
		char port;
		int bit;
		if (end == p || pin_port((int)pin, &port, &bit) < 0) {
			fprintf(stderr, "harness: -p %s: want Arduino pins 0..%d separated by commas\n", pins, NPINS - 1);
			return 2;
		}
		watched[pin] = 1;
		p = *end == ',' ? end + 1 : end;
	}
	for (const char *port = "BCD"; *port; port++) {
		avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(*port), IOPORT_IRQ_REG_PORT), on_port, (void *)(intptr_t)*port);
		avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(*port), IOPORT_IRQ_DIRECTION_ALL), on_ddr, (void *)(intptr_t)*port);
	}

	clock_gettime(CLOCK_MONOTONIC, &wall0);
	if (open_pty() < 0) return 1;
	for (;;) {
		if (master >= 0) {
			uint64_t stop = avr->cycle + SLICE_CYCLES;
			while (avr->cycle < stop) {
				int st = avr_run(avr);
				if (st == cpu_Done || st == cpu_Crashed) {
					fprintf(stderr, "harness: the MCU stopped (state %d) at %llu ns\n", st, (unsigned long long)now_ns());
					return 1;
				}
			}
			pace();
		} else {
			/* Unplugged: no power, no simulated time; wait for a command. */
			struct pollfd in = {.fd = 0, .events = POLLIN};
			poll(&in, 1, 100);
			clock_gettime(CLOCK_MONOTONIC, &wall0);
			wall0.tv_sec -= (time_t)(now_ns() / 1000000000ULL);
			wall0.tv_nsec -= (long)(now_ns() % 1000000000ULL);
			if (wall0.tv_nsec < 0) { wall0.tv_nsec += 1000000000L; wall0.tv_sec--; }
		}
		if (service()) break;
	}
	unplug();
	fclose(edges);
	return 0;
}
