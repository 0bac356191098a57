/* status.h: provisioctl status, check, remind, calendar and test (status.c)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

extern const GOptionEntry status_entries[];
extern const GOptionEntry calendar_entries[];
int run_status   (GFile *file, char **args);
int run_check    (GFile *file, char **args);
int run_remind   (GFile *file, char **args);
int run_calendar (GFile *file, char **args);
int run_test     (GFile *file, char **args);

G_END_DECLS
