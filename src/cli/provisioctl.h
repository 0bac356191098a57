/* provisioctl.h: what provisioctl's commands share
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"
#include "pv-entra.h"
#include "pv-expiry.h"
#include "pv-profiles.h"
#include "pv-tenant-info.h"
#include "pv-tokens.h"
#include "pv-tracked-app.h"

G_BEGIN_DECLS

/* Waiting for one asynchronous result in the command's own main loop. */
void          got_result_cb  (GObject       *source,
                              GAsyncResult  *result,
                              gpointer       user_data);
GAsyncResult *wait_for       (GAsyncResult **slot);

GPtrArray    *load_profiles  (GFile         *file,
                              GError       **error);
PvClient     *client_for     (GFile         *file,
                              const char    *id,
                              GError       **error);
gboolean      kind_is_valid  (const char    *kind);

/* provisioctl entra …, and renew --entra (entra.c) */
extern const GOptionEntry entra_sign_in_entries[];
extern const GOptionEntry entra_link_entries[];
extern const GOptionEntry entra_json_entries[];
int  entra_sign_in   (GFile *file, char **args);
int  entra_sign_out  (GFile *file, char **args);
int  entra_apps      (GFile *file, char **args);
int  entra_link      (GFile *file, char **args);
int  entra_status    (GFile *file, char **args);
GPtrArray *entra_sign_in_reminders (const PvExpiryPolicy *policy,
                                    GKeyFile             *sent);
GPtrArray *entra_saml_certificates (void);
int  entra_import    (GFile *file, char **args);
int  entra_certificates (GFile *file, char **args);
gboolean entra_hand_over (const char     *tenant,
                          const char     *kind,
                          PvIssuedToken  *issued);
int      entra_cycle_since (const char   *tenant,
                            const char   *kind,
                            gint64        since,
                            PvEntraJob  **job,
                            GError      **error);

/* provisioctl app …, and the tracked apps in status, check, remind and
 * calendar (app.c) */
GPtrArray *load_apps (GFile *tenants_file, GError **error);
gboolean   save_apps (GFile *tenants_file, GPtrArray *apps, GError **error);
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
void          app_state_free    (AppState    *state);
const char   *app_state_verdict (AppState    *state,
                                 const char  *kind);
PvTenantInfo *tracked_app_info  (GFile       *file,
                                 const char  *id);

G_END_DECLS
