/*
 * fuzz_conf.h - what the fuzz targets of greenmeter's files share (the INI
 * loaders, fuzz_conf_*.c, and the journals): a scratch directory each
 * target owns, the input written to one file in it (reused run after run,
 * removed at exit), and the checks every loader's messages must pass.
 * Included by one target each; everything here is static. The directory
 * is removed at exit and when a rule breaks (a sanitizer's crash leaves it:
 * /dev/shm/gm-fuzz_<target>-XXXXXX).
 *
 * The rules (docs/configuration.md), broken ones abort, which libFuzzer
 * reports as a crash and keeps the input:
 *   - a message names the file: "<path>:<line>: ..." with the line within
 *     the file, or "<path>: ..." for the file as a whole;
 *   - it is printable: UTF-8, no control characters;
 *   - the loader's count of mistakes is the number of messages, so a file
 *     is accepted exactly when nothing was said against it.
 * In an input, "@ROOT" stands for the source tree (GM_ROOT, set by the
 * Makefile), so seeds can name the shipped meter models. FUZZ_SHOW=1 in the
 * environment prints every message (to see why a seed is refused).
 */
#ifndef GM_FUZZ_CONF_H
#define GM_FUZZ_CONF_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef GM_ROOT
#define GM_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_name = "fuzz";   /* the target, for messages */

static inline void fuzz_broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- the scratch directory ----------------------------------------------- */

static char fuzz_dir[64];
static char fuzz_files[8][128];   /* what fuzz_path() named in it */
static int fuzz_nfiles;

/* Only what we made: the files named in it, then the directory. */
static inline void fuzz_dir_remove(void)
{
	for (int i = 0; i < fuzz_nfiles; i++)
		unlink(fuzz_files[i]);
	if (fuzz_dir[0] != '\0' && rmdir(fuzz_dir) != 0)
		fprintf(stderr, "%s: could not remove %s\n", fuzz_name, fuzz_dir);
	fuzz_dir[0] = '\0';
	fuzz_nfiles = 0;
}

static inline void fuzz_broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: rule broken: ", fuzz_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fuzz_dir_remove();   /* abort() runs no atexit handler */
	abort();
}

/* Made once; tmpfs when there is one, so that a run costs no disk. */
static inline const char *fuzz_scratch(void)
{
	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/gm-%s-XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", fuzz_name);
	if (mkdtemp(fuzz_dir) == NULL) {
		perror(fuzz_dir);
		abort();
	}
	atexit(fuzz_dir_remove);
	return fuzz_dir;
}

/* <scratch>/name, for the life of the process (at most 8 names). */
static inline const char *fuzz_path(const char *name)
{
	char *p;

	if (fuzz_nfiles == 8)
		abort();
	p = fuzz_files[fuzz_nfiles++];
	snprintf(p, sizeof(fuzz_files[0]), "%s/%s", fuzz_scratch(), name);
	return p;
}

/* Write the input to path, every "@ROOT" made the source tree's path
 * unless raw (a journal is taken byte for byte). */
static inline void fuzz_write_as(const char *path, const uint8_t *data, size_t size, bool raw)
{
	static const char root[] = GM_ROOT;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t from = 0;

	if (fd < 0) {
		perror(path);
		abort();
	}
	for (size_t i = 0; !raw && i + 5 <= size; i++) {
		if (memcmp(data + i, "@ROOT", 5) != 0)
			continue;
		if (write(fd, data + from, i - from) != (ssize_t)(i - from) ||
		    write(fd, root, sizeof(root) - 1) != (ssize_t)(sizeof(root) - 1))
			abort();
		from = i + 5;
		i += 4;
	}
	if (write(fd, data + from, size - from) != (ssize_t)(size - from))
		abort();
	close(fd);
}

static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	fuzz_write_as(path, data, size, false);
}

/* ---- messages ---------------------------------------------------------- */

/* Printable UTF-8: no control character (C0, DEL, C1), nothing malformed. */
static inline bool fuzz_printable(const char *msg)
{
	const unsigned char *s = (const unsigned char *)msg;

	while (*s) {
		uint32_t cp;
		int len;

		if (*s >= 0x20 && *s < 0x7f) {
			s += strspn((const char *)s, " !\"#$%&'()*+,-./0123456789:;<=>?@"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");
			continue;
		}
		if (*s < 0x80)
			cp = *s, len = 1;
		else if (*s >= 0xc2 && *s <= 0xdf)
			cp = *s & 0x1f, len = 2;
		else if (*s >= 0xe0 && *s <= 0xef)
			cp = *s & 0x0f, len = 3;
		else if (*s >= 0xf0 && *s <= 0xf4)
			cp = *s & 0x07, len = 4;
		else
			return false;
		for (int i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return false;
		s += len;
	}
	return true;
}

/* What the loader said about which files: each message must name one. */
struct fuzz_files {
	const char *path[4];
	long lines[4];     /* lines in each (a last line without '\n' counts) */
	int n;
	int reports;       /* messages so far */
};

static inline long fuzz_count_lines(const uint8_t *data, size_t size)
{
	long n = 0;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n + (size > 0 && data[size - 1] != '\n');
}

/* The lines of a file the loader reads beside the input (a shipped model). */
static inline long fuzz_file_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = 0;
	int c, last = '\n';

	if (f == NULL)
		return 0;
	while ((c = getc(f)) != EOF) {
		n += c == '\n';
		last = c;
	}
	fclose(f);
	return n + (last != '\n');
}

/* A conf_report: the checks above, for every message. */
static inline void fuzz_report(void *user, const char *msg)
{
	struct fuzz_files *ff = user;
	int k;

	static int show = -1;

	if (show < 0)
		show = getenv("FUZZ_SHOW") != NULL;
	if (show)
		fprintf(stderr, "%s: %s\n", fuzz_name, msg);
	ff->reports++;
	if (!fuzz_printable(msg))
		fuzz_broken("a message is not printable: %s", msg);
	for (k = 0; k < ff->n; k++) {
		size_t pl = strlen(ff->path[k]);
		const char *s = msg + pl;
		char *end;
		long line;

		if (strncmp(msg, ff->path[k], pl) != 0 || *s != ':')
			continue;
		if (s[1] == ' ')
			return;   /* about the file as a whole */
		line = strtol(s + 1, &end, 10);
		if (end == s + 1 || end[0] != ':' || end[1] != ' ')
			continue;
		if (line < 1 || line > (ff->lines[k] > 0 ? ff->lines[k] : 1))
			fuzz_broken("a message names line %ld of %ld: %s", line, ff->lines[k], msg);
		return;
	}
	/* a file the loader opened on the input's say (a meter model in the
	 * devices directory it named): "<dir>/<model>.conf: " or with a line */
	for (const char *s = strstr(msg, ".conf:"); s != NULL; s = strstr(s + 1, ".conf:")) {
		const char *e = s + 5;   /* the ':' */

		if (e[1] != ' ')
			for (e++; *e >= '0' && *e <= '9'; e++)
				;
		if (e[0] == ':' && e[1] == ' ')
			return;
	}
	fuzz_broken("a message does not begin with a file: %s", msg);
}

/* The loader's count against the messages. */
static inline void fuzz_check_count(const struct fuzz_files *ff, int errors)
{
	if (errors != ff->reports)
		fuzz_broken("%d mistakes counted, %d reported", errors, ff->reports);
}

/* ---- [mqtt], for the files that have one ---------------------------------- */

#ifdef GM_MQTT_OPTS_H
/* What mqtt_opts_key() lets through. Include mqtt_opts.h before this file. */
static inline void fuzz_check_mqtt(const struct mqtt_opts *o)
{
	size_t n = strlen(o->client_id);

	if (n < 1 || n > MQTT_CLIENT_ID_MAX ||
	    strspn(o->client_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") != n)
		fuzz_broken("client_id \"%s\" accepted", o->client_id);
	if (o->keepalive_s < 5 || o->keepalive_s > 3600)
		fuzz_broken("keepalive %d accepted", o->keepalive_s);
	if (o->version != MQTTVERSION_3_1_1 && o->version != MQTTVERSION_5)
		fuzz_broken("MQTT version %d accepted", o->version);
	if (o->refused_retry_s < 1 || o->refused_retry_s > 86400)
		fuzz_broken("refused_retry %d accepted", o->refused_retry_s);
	if (strncmp(o->uri, "tcp://", 6) != 0 && strncmp(o->uri, "ssl://", 6) != 0 &&
	    strncmp(o->uri, "mqtt://", 7) != 0 && strncmp(o->uri, "mqtts://", 8) != 0)
		fuzz_broken("broker \"%s\" accepted", o->uri);
}
#endif

#endif
