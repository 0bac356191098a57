/* pv-tokens.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"
#include "pv-token-info.h"

G_BEGIN_DECLS

/**
 * PvIssuedToken:
 * @token: the new token
 * @secret: the secret, shown once; freed with explicit zeroing
 * @scim_base_url: where the identity provider sends it
 * @replaces: (nullable): the id of the token it replaces
 * @retire: what becomes of that one: on-first-use, now or never
 */
typedef struct {
  PvTokenInfo *token;
  char        *secret;
  char        *scim_base_url;
  char        *replaces;
  char        *retire;
} PvIssuedToken;

void           pv_issued_token_free   (PvIssuedToken       *issued);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvIssuedToken, pv_issued_token_free)

void           pv_tokens_issue_async   (PvClient            *client,
                                        const char          *kind,
                                        const char          *retire,
                                        const char          *description,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
PvIssuedToken *pv_tokens_issue_finish  (GAsyncResult        *result,
                                        GError             **error);
void           pv_tokens_revoke_async  (PvClient            *client,
                                        const char          *kind,
                                        const char          *token_id,
                                        gboolean             force,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean       pv_tokens_revoke_finish (GAsyncResult        *result,
                                        GError             **error);
void           pv_tokens_set_identity_provider_async  (PvClient            *client,
                                                       const char          *kind,
                                                       const char          *identity_provider,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean       pv_tokens_set_identity_provider_finish (GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
