/* pv-token.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PvTokenKind:
 * @PV_TOKEN_SCIM: a SCIM bearer token (`pvs_`), used by an identity provider
 * @PV_TOKEN_ADMIN: a tenant admin API key (`pva_`), used by Provisio itself
 *
 * The two kinds of secret a tenant issues.  Both share one format: a prefix,
 * 256 bits of entropy in base62, and a CRC32 checksum in base62, so that
 * secret scanners can recognise a leaked token without asking the server.
 */
typedef enum {
  PV_TOKEN_SCIM,
  PV_TOKEN_ADMIN,
} PvTokenKind;

/* prefix (4) + entropy (43) + checksum (6) */
#define PV_TOKEN_LENGTH 53
/* How much of a token may be shown: the prefix and six characters. */
#define PV_TOKEN_DISPLAY_LENGTH 10

char       *pv_token_generate        (PvTokenKind  kind);
gboolean    pv_token_is_well_formed  (const char  *token,
                                      PvTokenKind *out_kind);
char       *pv_token_digest          (const char  *token);
char       *pv_token_display_prefix  (const char  *token);
const char *pv_token_kind_prefix     (PvTokenKind  kind);
char       *pv_random_id             (const char  *prefix);
void        pv_secret_free           (char        *secret);

G_END_DECLS
