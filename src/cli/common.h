/* common.h: what provisioctl's commands share
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pv-client.h"
#include "pv-profiles.h"
#include "pv-tenant-info.h"
#include "pv-tracked-app.h"

G_BEGIN_DECLS

/* --json, for the commands that print JSON for scripts */
extern gboolean opt_json;
extern const GOptionEntry json_entries[];

/* Waiting for one asynchronous result in the command's own main loop. */
void          got_result_cb  (GObject       *source,
                              GAsyncResult  *result,
                              gpointer       user_data);
GAsyncResult *wait_for       (GAsyncResult **slot);

/* The tenants (tenants.ini) and the tracked apps (apps.ini next to it) */
GPtrArray    *load_profiles  (GFile         *file,
                              GError       **error);
gboolean      save_profiles  (GFile         *file,
                              GPtrArray     *profiles,
                              GError       **error);
PvProfile    *find_profile   (GPtrArray     *profiles,
                              const char    *id,
                              guint         *index);
GFile        *apps_file      (GFile         *tenants_file);
GPtrArray    *load_apps      (GFile         *tenants_file,
                              GError       **error);
gboolean      save_apps      (GFile         *tenants_file,
                              GPtrArray     *apps,
                              GError       **error);
PvTrackedApp *find_app       (GPtrArray     *apps,
                              const char    *id,
                              guint         *index);
PvTenantInfo *tracked_app_info (GFile       *file,
                                const char  *id);

/* A tenant's client, its key from the keyring, and one request with it */
PvClient     *client_for     (GFile         *file,
                              const char    *id,
                              GError       **error);
JsonObject   *call           (PvClient      *client,
                              const char    *method,
                              const char    *path,
                              GError       **error);
gboolean      kind_is_valid  (const char    *kind);

/* Secrets from the terminal, not echoed, or from standard input */
char         *read_token     (const char    *prompt);
char         *read_secret    (const char    *prompt);

int           fail           (GError        *error);

G_END_DECLS
