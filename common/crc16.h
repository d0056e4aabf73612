/*
 * crc16.h - the CRC-16 that ends every Modbus RTU frame (Modbus over serial
 * line v1.02, 6.2.2: polynomial 0xA001 reflected, start 0xFFFF), one home
 * for gm-sim, which checks requests, and gm-agent, which checks answers.
 * The frame carries it low byte first.
 */
#ifndef GM_CRC16_H
#define GM_CRC16_H

#include <stddef.h>
#include <stdint.h>

uint16_t crc16_modbus(const uint8_t *p, size_t n);

#endif
