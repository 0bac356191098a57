/* app.h: provisioctl app …, and the tracked apps in status, check and
 * calendar (app.c)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-profiles.h"
#include "pv-tenant-info.h"
#include "pv-tracked-app.h"

G_BEGIN_DECLS

extern const GOptionEntry app_add_entries[];
extern const GOptionEntry app_renew_entries[];
int  app_vendors  (GFile *file, char **args);
int  app_add      (GFile *file, char **args);
int  app_list     (GFile *file, char **args);
int  app_remove   (GFile *file, char **args);
int  app_renew    (GFile *file, char **args);
void save_checks  (GKeyFile *checks);

G_END_DECLS
