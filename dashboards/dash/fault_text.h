/*
 * fault_text.h - a fault event in words, for people: one line in Thai and
 * one in English, the meters named as the organisation file names them
 * ("[ขาดการส่งข้อมูล] เกตเวย์ gw-b4 ไม่ตอบ: มิเตอร์ 100 เครื่อง ตั้งแต่ 7
 * ธ.ค. 2569 08:41 น.: มิเตอร์ไฟฟ้า สำนัก..., ... และอีก 90 เครื่อง").
 * The same words go to every channel an alert takes (command, MQTT, and
 * the notifiers), so that what a person reads is the same everywhere.
 */
#ifndef GM_FAULT_TEXT_H
#define GM_FAULT_TEXT_H

#include <stddef.h>

#include "faults.h"
#include "green_text.h"
#include "org.h"

#define FAULT_TEXT_NAMED 10   /* meters named; the rest counted */
#define FAULT_MAIL_NAMED 1000 /* meters a mail lists (its outbox file stays small) */

/* The event's headline in l into buf (len): the line without the meters'
 * names (a mail's subject); now: when it is sent. */
void fault_headline(const struct fault_event *e, const struct org *o, enum lang l, double now,
    char *buf, size_t len);

/* Every meter of a fault of many, one line each ("1. gw/m000 · Thai name ·
 * English name · building room"), CRLF-ended: malloc'd (free it), or NULL
 * for a one-meter fault (or out of memory). What a mail lists in full where
 * the line names FAULT_TEXT_NAMED. */
char *fault_meter_lines(const struct fault *f, const struct org *o);

/* The words (a green_text key) for a channel's problem as the status file
 * gives it (spaces as '_'): a reset nobody announced, a refused message,
 * a reading of another unit, a damaged file; NULL for one it does not
 * know. */
const char *fault_problem_key(const char *problem);

/* The event's line in l into buf (len); now: when it is sent. */
void fault_text(const struct fault_event *e, const struct org *o, enum lang l, double now,
    char *buf, size_t len);

#endif
