/*
 * io_private.h — what io/ shares between its files (raster.c, vector.c) and with the
 * tests: the captured GDAL/OGR/CPL error message.
 *
 * nytte_io_init() installs a CPL error handler that never prints. It keeps the last
 * warning or error GDAL reported *on the calling thread* in a thread-local buffer, so
 * each thread reads its own message and parallel readers do not mix them up. Callers
 * clear it before a GDAL call and put it into the nytte context after a failure.
 */
#ifndef NYTTE_IO_PRIVATE_H
#define NYTTE_IO_PRIVATE_H

#include "nytte/nytte.h"

/** The last GDAL/CPL message on this thread (warning or error), one line; "" if none. */
const char *nytte_io_gdal_msg(void);

/** Forget this thread's last GDAL/CPL message and failure flag. */
void nytte_io_gdal_msg_clear(void);

/**
 * Non-zero if GDAL reported a CE_Failure (or worse) on this thread since the last
 * nytte_io_gdal_msg_clear(). For calls that return no status (GDALClose in GDAL 3.6,
 * which is where a GeoTIFF's last blocks are written).
 */
int nytte_io_gdal_failed(void);

/**
 * Record an error like nytte_error() and append ": <GDAL message>" when GDAL left one
 * on this thread, e.g. "out.tif: cannot create: <GDAL's reason>". Returns `code`.
 */
int nytte_io_gdal_error(nytte_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
