/* pv-tokens.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"
#include "pv-connection-info.h"
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
/**
 * PvIssueRefusalKind:
 * @PV_ISSUE_REFUSED_LIMIT: two active tokens that are not a token and its
 *   replacement (`token_limit_reached`, or a refusal this version does not know)
 * @PV_ISSUE_REFUSED_PENDING: the connection already has a replacement that
 *   has never been used (`replacement_pending`)
 * @PV_ISSUE_REFUSED_IN_USE: its replacement is already used by the identity
 *   provider (`replacement_in_use`)
 * @PV_ISSUE_REFUSED_CHANGED: the replacement to replace is no longer the
 *   newest token: another admin replaced or revoked it (`replacement_changed`)
 * @PV_ISSUE_REFUSED_ALREADY_ISSUED: this request was already answered (its
 *   answer lost): the token was issued and its secret is gone (`already_issued`)
 *
 * Why the tenant refused to issue a token (409).
 */
typedef enum {
  PV_ISSUE_REFUSED_LIMIT,
  PV_ISSUE_REFUSED_PENDING,
  PV_ISSUE_REFUSED_IN_USE,
  PV_ISSUE_REFUSED_CHANGED,
  PV_ISSUE_REFUSED_ALREADY_ISSUED,
} PvIssueRefusalKind;

/**
 * PvIssueRefusal:
 * @kind: why
 * @token: (nullable): the token it is about: who issued it, when, whether used
 */
typedef struct {
  PvIssueRefusalKind  kind;
  PvTokenInfo        *token;
} PvIssueRefusal;

void           pv_issue_refusal_free   (PvIssueRefusal      *refusal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvIssueRefusal, pv_issue_refusal_free)

PvIssueRefusal *pv_issue_refusal_from_json    (JsonObject           *answer);
PvIssueRefusal *pv_issue_refusal_for_connection (PvConnectionInfo   *connection);
gboolean        pv_issue_refusal_can_replace  (const PvIssueRefusal *refusal);
char           *pv_issue_refusal_describe     (const PvIssueRefusal *refusal);
char           *pv_tokens_new_idempotency_key (void);

void           pv_tokens_issue_full_async (PvClient            *client,
                                           const char          *kind,
                                           const char          *retire,
                                           const char          *description,
                                           const char          *replace_unused,
                                           const char          *idempotency_key,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
PvIssueRefusal *pv_tokens_issue_get_refusal (GAsyncResult        *result);
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
