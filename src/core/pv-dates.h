/* pv-dates.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char      *pv_format_days_left      (gint64      expires_at,
                                     gint64      now);
char      *pv_format_relative       (gint64      when,
                                     gint64      now);
char      *pv_format_date           (gint64      when);
GDateTime *pv_date_time_new_local   (gint64      when);

G_END_DECLS
