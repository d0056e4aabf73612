/* rtu_time.c - the time of Modbus RTU frames on a serial line. */
#include "rtu_time.h"

double rtu_char_us(const struct rtu_bus *l)
{
	int bits = 1 + 8 + (l->parity == 'E' || l->parity == 'O') + (l->stop_bits == 2 ? 2 : 1);

	return l->baud > 0 ? bits * 1e6 / l->baud : 0;
}

double rtu_silence_us(const struct rtu_bus *l)
{
	if (l->baud <= 0)
		return 0;
	return l->baud > 19200 ? 1750 : 3.5 * rtu_char_us(l);
}

double rtu_exchange_us(const struct rtu_bus *l, int req_bytes, int resp_bytes)
{
	return (req_bytes + resp_bytes) * rtu_char_us(l) + 2 * rtu_silence_us(l) +
	    l->turnaround_ms * 1000;
}

double rtu_read_us(const struct rtu_bus *l, int nregs)
{
	return rtu_exchange_us(l, RTU_READ_REQ_BYTES, RTU_READ_RESP_BYTES + 2 * nregs);
}
