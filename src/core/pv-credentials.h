/* pv-credentials.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * PvCredentialKind:
 * @PV_CREDENTIAL_ADMIN_KEY: a tenant's admin API key
 * @PV_CREDENTIAL_GRAPH_REFRESH_TOKEN: a Microsoft sign-in's refresh token
 * @PV_CREDENTIAL_APP_TOKEN: a tracked app's provisioning token, under
 *   "app:ID/KIND" (pv_tracked_app_credential_id())
 * @PV_CREDENTIAL_APP_TOKEN_PENDING: a tracked app's new token, pasted but
 *   not yet handed over to the identity provider
 *
 * What a secret in the keyring is for.
 */
typedef enum {
  PV_CREDENTIAL_ADMIN_KEY,
  PV_CREDENTIAL_GRAPH_REFRESH_TOKEN,
  PV_CREDENTIAL_APP_TOKEN,
  PV_CREDENTIAL_APP_TOKEN_PENDING,
} PvCredentialKind;

void      pv_credentials_store_async   (const char          *tenant,
                                        PvCredentialKind     kind,
                                        const char          *label,
                                        const char          *secret,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  pv_credentials_store_finish  (GAsyncResult        *result,
                                        GError             **error);
void      pv_credentials_lookup_async  (const char          *tenant,
                                        PvCredentialKind     kind,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char     *pv_credentials_lookup_finish (GAsyncResult        *result,
                                        GError             **error);
void        pv_credentials_lookup_all_async  (PvCredentialKind     kind,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GHashTable *pv_credentials_lookup_all_finish (GAsyncResult        *result,
                                            GError             **error);
void      pv_credentials_clear_async   (const char          *tenant,
                                        PvCredentialKind     kind,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  pv_credentials_clear_finish  (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
