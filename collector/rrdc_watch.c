/* rrdc_watch.c - a silent second connection to rrdcached (rrdc_watch.h). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gm_err.h"
#include "rrdc_watch.h"

#define RRDCACHED_PORT "42217"

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* host, host:port, [v6] or [v6]:port, already checked by rrdc_addr_check */
static int connect_tcp(const char *addr)
{
	char host[256];
	const char *port = RRDCACHED_PORT, *colon;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	size_t len;
	int fd = -1;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		len = (size_t)(end - addr - 1);
		if (end[1] == ':')
			port = end + 2;
		addr++;
	} else if ((colon = strrchr(addr, ':')) != NULL) {
		len = (size_t)(colon - addr);
		port = colon + 1;
	} else {
		len = strlen(addr);
	}
	if (len >= sizeof(host)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(host, addr, len);
	host[len] = '\0';
	if (getaddrinfo(host, port, &hints, &res) != 0) {
		errno = EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0)) < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

int rrdc_watch_open(struct rrdc_watch *w, const char *addr, char *err, size_t errlen)
{
	const char *path = strncmp(addr, "unix:", 5) == 0 ? addr + 5 : addr;

	rrdc_watch_close(w);
	w->fd = path[0] == '/' ? connect_unix(path) : connect_tcp(addr);
	if (w->fd < 0)
		return gm_errf(err, errlen, GM_EIO, "rrdcached at %s: %s", addr, strerror(errno));
	return GM_OK;
}

bool rrdc_watch_lost(struct rrdc_watch *w)
{
	struct pollfd p = { .fd = w->fd, .events = POLLIN };

	if (w->fd < 0)
		return true;
	if (poll(&p, 1, 0) == 0)
		return false;
	rrdc_watch_close(w);
	return true;
}

void rrdc_watch_close(struct rrdc_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
