/* pv-error.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PV_ERROR (pv_error_quark ())

/**
 * PvError:
 * @PV_ERROR_UNAUTHORIZED: the admin API key is missing, unknown, revoked or expired (401)
 * @PV_ERROR_FORBIDDEN: the key may not do this (403)
 * @PV_ERROR_NOT_FOUND: no such connection or token (404)
 * @PV_ERROR_CONFLICT: refused as things stand: a token in use, or an issue
 *   refused for a reason pv_tokens_issue_get_refusal() tells (409)
 * @PV_ERROR_RATE_LIMITED: too many failed authentications (429)
 * @PV_ERROR_INVALID_REQUEST: the server refused what was sent (other 4xx)
 * @PV_ERROR_SERVER: the server failed (5xx)
 * @PV_ERROR_NETWORK: nothing answered: no route, connection refused, timeout
 * @PV_ERROR_TLS: the server's certificate is not trusted or TLS failed
 * @PV_ERROR_INVALID_RESPONSE: something answered, but not a Provisio tenant
 * @PV_ERROR_KEYRING: the system keyring is missing or refused
 * @PV_ERROR_KEYRING_LOCKED: the keyring is locked
 * @PV_ERROR_KEYRING_NOT_FOUND: the keyring holds no such secret
 * @PV_ERROR_KEY_EXPIRED: the admin API key has expired (401 `key_expired`):
 *   only the tenant's owner can issue a new one
 *
 * What went wrong talking to a tenant, in terms a user interface can act on.
 * Messages are translated and never contain a secret.
 */
typedef enum {
  PV_ERROR_UNAUTHORIZED,
  PV_ERROR_FORBIDDEN,
  PV_ERROR_NOT_FOUND,
  PV_ERROR_CONFLICT,
  PV_ERROR_RATE_LIMITED,
  PV_ERROR_INVALID_REQUEST,
  PV_ERROR_SERVER,
  PV_ERROR_NETWORK,
  PV_ERROR_TLS,
  PV_ERROR_INVALID_RESPONSE,
  PV_ERROR_KEYRING,
  PV_ERROR_KEYRING_LOCKED,
  PV_ERROR_KEYRING_NOT_FOUND,
  PV_ERROR_KEY_EXPIRED,
} PvError;

GQuark pv_error_quark (void);

G_END_DECLS
