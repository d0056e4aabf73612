/*
 * rrd_store.h - writing meter channels into their RRD files.
 *
 * One file per channel, "<datadir>/<site>/<meter>/<channel>.rrd", created on
 * the channel's first reading with the layout of common/rrd_layout.h; the
 * directories are made from validated ids only. A batch of rows is written in
 * one librrd call. Errors come back with librrd's reason.
 */
#ifndef GM_RRD_STORE_H
#define GM_RRD_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "payload.h"
#include "topic.h"

struct store;

struct store_row {
	double t;
	double value;
	double use;      /* NAN: unknown (gauges, and a counter's first reading) */
};

struct store *store_open(const char *datadir, char *err, size_t errlen);
void store_close(struct store *s);

/* The last reading stored for the channel: *exists false if it has no file.
 * t is whole seconds (librrd keeps no more in its header). */
int store_last(struct store *s, const struct chan_id *id, bool *exists, double *t,
    double *value, char *err, size_t errlen);

/* Append rows (strictly after what is stored, in time order). A new file is
 * created with a "<channel>.meta" beside it naming unit and kind. GM_ESTALE
 * if librrd says a row is not newer than the file's last update; GM_EINVAL
 * (for good) if the channel keeps delta entries instead (entry_store.h). */
int store_update(struct store *s, const struct chan_id *id, const struct payload_meta *meta,
    const struct store_row *rows, size_t n, char *err, size_t errlen);

#endif
