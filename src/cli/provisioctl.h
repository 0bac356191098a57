/* provisioctl.h: what provisioctl's commands share
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"
#include "pv-expiry.h"
#include "pv-tokens.h"

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
gboolean entra_hand_over (const char     *tenant,
                          const char     *kind,
                          PvIssuedToken  *issued);

G_END_DECLS
