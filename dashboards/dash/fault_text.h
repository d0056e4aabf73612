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

/* The event's line in l into buf (len); now: when it is sent. */
void fault_text(const struct fault_event *e, const struct org *o, enum lang l, double now,
    char *buf, size_t len);

#endif
