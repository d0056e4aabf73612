/*
 * rrdc_watch.h - notice that rrdcached went away, which librrd hides.
 *
 * librrd's client reconnects by itself when a send fails and sends again
 * (rrd_client.c, sendall), so a collector whose rrdcached was killed and
 * restarted between two updates never sees an error: the new rrdcached
 * takes the newer rows, the ones the old one had not written are lost, and
 * a FLUSH would then put a gap into the file. The watch is a second
 * connection to the same address that carries nothing; rrdcached never
 * writes to it, so once it reads as readable or hung up, the rrdcached it
 * was connected to has gone. Checking it is one poll(2), no round trip.
 */
#ifndef GM_RRDC_WATCH_H
#define GM_RRDC_WATCH_H

#include <stdbool.h>
#include <stddef.h>

struct rrdc_watch {
	int fd;                /* -1: not connected */
};

/* Connect to addr (an address rrdc_addr_check takes). GM_OK, or GM_EIO
 * with the reason. An open watch is closed first. */
int rrdc_watch_open(struct rrdc_watch *w, const char *addr, char *err, size_t errlen);
/* true if the rrdcached the watch was connected to has gone (the watch is
 * then closed), or if it is not connected. */
bool rrdc_watch_lost(struct rrdc_watch *w);
void rrdc_watch_close(struct rrdc_watch *w);

#endif
