/*
 * test_rrdc_watch.c - the silent second connection that tells when
 * rrdcached has gone (collector/rrdc_watch.c), against a real listening
 * socket (unix and TCP on loopback) standing in for rrdcached.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "gm_err.h"
#include "rrdc_watch.h"
#include "testutil.h"

static int listen_unix(char *addr, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/rrdcached.sock", tmpdir);
	snprintf(addr, len, "unix:%s", sa.sun_path);
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static int listen_tcp(char *addr, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(addr, len, "127.0.0.1:%d", ntohs(sa.sin_port));
	return fd;
}

/* Connected, quiet: not lost; the server's end closes: lost, and the
 * watch is closed; lost stays true until it is opened again. */
static void watch_until_closed(int lfd, const char *addr)
{
	struct rrdc_watch w = { .fd = -1 };
	char err[256];
	int peer;

	assert_true(rrdc_watch_lost(&w));   /* never opened */
	assert_int_equal(rrdc_watch_open(&w, addr, err, sizeof(err)), GM_OK);
	assert_true((peer = accept(lfd, NULL, NULL)) >= 0);
	assert_false(rrdc_watch_lost(&w));
	assert_false(rrdc_watch_lost(&w));
	close(peer);                        /* rrdcached killed */
	assert_true(rrdc_watch_lost(&w));
	assert_int_equal(w.fd, -1);
	assert_true(rrdc_watch_lost(&w));
	/* back again */
	assert_int_equal(rrdc_watch_open(&w, addr, err, sizeof(err)), GM_OK);
	assert_true((peer = accept(lfd, NULL, NULL)) >= 0);
	assert_false(rrdc_watch_lost(&w));
	/* a daemon that speaks unasked is not the rrdcached we know */
	assert_int_equal(write(peer, "x", 1), 1);
	assert_true(rrdc_watch_lost(&w));
	close(peer);
	rrdc_watch_close(&w);
	rrdc_watch_close(&w);               /* twice is harmless */
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("watch");
}

static void test_unix(void **state)
{
	char addr[200];
	int lfd = listen_unix(addr, sizeof(addr));

	(void)state;
	watch_until_closed(lfd, addr);
	watch_until_closed(lfd, addr + strlen("unix:"));   /* a bare absolute path */
	close(lfd);
}

static void test_tcp(void **state)
{
	char addr[64];
	int lfd = listen_tcp(addr, sizeof(addr));

	(void)state;
	watch_until_closed(lfd, addr);
	close(lfd);
}

/* Nobody listening: an error naming the address, and still lost. */
static void test_refused(void **state)
{
	struct rrdc_watch w = { .fd = -1 };
	char err[256], addr[64];
	int lfd = listen_tcp(addr, sizeof(addr));

	(void)state;
	close(lfd);   /* the port is now free: connecting is refused */
	assert_int_equal(rrdc_watch_open(&w, addr, err, sizeof(err)), GM_EIO);
	assert_non_null(strstr(err, addr));
	assert_true(rrdc_watch_lost(&w));
	assert_int_equal(rrdc_watch_open(&w, "unix:/nonexistent/gm/rrdcached.sock", err,
	    sizeof(err)), GM_EIO);
	assert_non_null(strstr(err, "/nonexistent/gm/rrdcached.sock"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unix, setup, tmpdir_teardown),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
