/* pv-tracked-app.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-probe.h"
#include "pv-tenant-info.h"
#include "pv-vendor.h"

G_BEGIN_DECLS

/**
 * PvExpirySource:
 * @PV_EXPIRY_SOURCE_UNKNOWN: no date known
 * @PV_EXPIRY_SOURCE_JWT: the token's own `exp` claim
 * @PV_EXPIRY_SOURCE_LIFETIME: the vendor's lifetime from the day it was made
 * @PV_EXPIRY_SOURCE_ENTERED: a date the admin entered
 *
 * Where a tracked token's expiry comes from, best first.
 */
typedef enum {
  PV_EXPIRY_SOURCE_UNKNOWN,
  PV_EXPIRY_SOURCE_JWT,
  PV_EXPIRY_SOURCE_LIFETIME,
  PV_EXPIRY_SOURCE_ENTERED,
} PvExpirySource;

/**
 * PvTrackedConnection:
 * @kind: "users" or "persons"
 * @scim_base_url: the vendor's SCIM endpoint for it
 * @issued_at: when its token was made (0 if unknown)
 * @expires_at: when its token expires (0 if unknown)
 * @source: where @expires_at comes from
 * @token_in_keyring: whether the token itself is in the keyring
 * @pending_since: a new token was pasted then and waits in the keyring to
 *   be handed over (0: none)
 * @pending_issued_at: that new token's @issued_at
 * @pending_expires_at: that new token's @expires_at
 * @pending_source: that new token's @source
 * @sent_at: when the new token was handed to the linked Entra app through
 *   Graph, whose next cycle then tells whether it provisions with it (0: not)
 *
 * One token of a tracked app.  The token itself is never here.  A new
 * token's dates become the connection's only once the identity provider
 * provisions with it: until then the old token is the one in use.
 */
typedef struct {
  char           *kind;
  char           *scim_base_url;
  gint64          issued_at;
  gint64          expires_at;
  PvExpirySource  source;
  gboolean        token_in_keyring;
  gint64          pending_since;
  gint64          pending_issued_at;
  gint64          pending_expires_at;
  PvExpirySource  pending_source;
  gint64          sent_at;
} PvTrackedConnection;

/**
 * PvTrackedApp:
 * @id: a short name the admin chose, such as "timly"
 * @name: its name for people
 * @vendor: the catalog's vendor id ("other" for any SCIM app)
 * @demo: the demo's, with the demo server as its endpoint
 * @connections: (element-type PvTrackedConnection): one or two
 *
 * An app whose provisioning tokens Provisio tracks without a management
 * API: kept in apps.ini, without secrets.
 */
typedef struct {
  char      *id;
  char      *name;
  char      *vendor;
  gboolean   demo;
  GPtrArray *connections;
} PvTrackedApp;

void                 pv_tracked_app_free           (PvTrackedApp        *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvTrackedApp, pv_tracked_app_free)
PvTrackedApp        *pv_tracked_app_new            (const char          *id,
                                                    const char          *name,
                                                    const char          *vendor);
PvTrackedConnection *pv_tracked_app_add_connection (PvTrackedApp        *app,
                                                    const char          *kind,
                                                    const char          *scim_base_url);
PvTrackedConnection *pv_tracked_app_get_connection (PvTrackedApp        *app,
                                                    const char          *kind);
char                *pv_tracked_app_credential_id  (const PvTrackedApp  *app,
                                                    const char          *kind);

const char *pv_expiry_source_to_string   (PvExpirySource       source);
const char *pv_expiry_source_to_label    (PvExpirySource       source);

gboolean    pv_tracked_app_check_url     (const char          *url,
                                          GError             **error);
char       *pv_tracked_token_clean       (const char          *pasted,
                                          GError             **error);
gboolean    pv_jwt_read_times            (const char          *token,
                                          gint64              *issued_at,
                                          gint64              *expires_at,
                                          GError             **error);
gboolean    pv_tracked_connection_set_dates (PvTrackedConnection *connection,
                                             const PvVendor      *vendor,
                                             const char          *token,
                                             gint64               issued_at,
                                             gint64               entered_expiry,
                                             gint64               now,
                                             GError             **error);

GPtrArray  *pv_tracked_apps_parse        (const char          *data,
                                          gsize                length,
                                          GError             **error);
char       *pv_tracked_apps_to_data      (GPtrArray           *apps,
                                          gsize               *length);
GFile      *pv_tracked_apps_default_file (void);
void        pv_tracked_apps_load_async   (GFile               *file,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GPtrArray  *pv_tracked_apps_load_finish  (GAsyncResult        *result,
                                          GError             **error);
void        pv_tracked_apps_save_async   (GFile               *file,
                                          GPtrArray           *apps,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    pv_tracked_apps_save_finish  (GAsyncResult        *result,
                                          GError             **error);

JsonObject   *pv_tracked_app_to_state    (const PvTrackedApp  *app,
                                          const PvVendor      *vendor,
                                          GHashTable          *verdicts,
                                          gint64               now);
PvTenantInfo *pv_tracked_app_new_info    (const PvTrackedApp  *app,
                                          GHashTable          *verdicts,
                                          gint64               now);

G_END_DECLS
