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

typedef struct {
  PvTrackedApp *app;
  PvTenantInfo *info;     /* the app as a tenant */
  GKeyFile     *checks;   /* the last verdicts */
  PvProfile    *profile;  /* its id and first SCIM base URL, for the views of tenants */
} AppState;

extern const GOptionEntry app_add_entries[];
extern const GOptionEntry app_renew_entries[];
int  app_vendors  (GFile *file, char **args);
int  app_add      (GFile *file, char **args);
int  app_list     (GFile *file, char **args);
int  app_remove   (GFile *file, char **args);
int  app_renew    (GFile *file, char **args);
GPtrArray    *apps_survey       (GFile       *file,
                                 gboolean     cached,
                                 GError     **error);
void          save_checks       (GKeyFile    *checks);
void          app_state_free    (AppState    *state);
const char   *app_state_verdict (AppState    *state,
                                 const char  *kind);

G_END_DECLS
