/* pv-time.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *pv_time_format (gint64      unix_time);
gboolean  pv_time_parse  (const char *text,
                          gint64     *out_unix_time);

G_END_DECLS
