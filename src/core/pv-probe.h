/* pv-probe.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * PvProbeVerdict:
 * @PV_PROBE_WORKS: a SCIM 2.0 endpoint that accepts the token
 * @PV_PROBE_SLOW: it works, but took longer than an identity provider likes
 * @PV_PROBE_TOKEN_REJECTED: a SCIM endpoint that refuses the token
 * @PV_PROBE_NOT_SCIM: something answers, but not SCIM: wrong path, HTML, another server
 * @PV_PROBE_TLS: the certificate is not trusted, or TLS failed
 * @PV_PROBE_UNREACHABLE: nothing answers at that address
 */
typedef enum {
  PV_PROBE_WORKS,
  PV_PROBE_SLOW,
  PV_PROBE_TOKEN_REJECTED,
  PV_PROBE_NOT_SCIM,
  PV_PROBE_TLS,
  PV_PROBE_UNREACHABLE,
} PvProbeVerdict;

#define PV_PROBE_SLOW_MS 2000

/**
 * PvProbeResult:
 * @verdict: what the probe found
 * @detail: a translated sentence saying so, for the admin
 * @features: (element-type utf8): ServiceProviderConfig features the
 *   endpoint says it supports, such as "patch" and "filter"
 * @endpoints: (element-type utf8): the resource type endpoints, such as "/Users"
 * @elapsed_ms: how long the probe took
 */
typedef struct {
  PvProbeVerdict  verdict;
  char           *detail;
  GPtrArray      *features;
  GPtrArray      *endpoints;
  gint64          elapsed_ms;
} PvProbeResult;

void           pv_probe_result_free     (PvProbeResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvProbeResult, pv_probe_result_free)

const char    *pv_probe_verdict_to_string (PvProbeVerdict    verdict);
void           pv_probe_async           (const char          *base_url,
                                         const char          *token,
                                         GTlsDatabase        *tls_database,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
void           pv_probe_token_async     (const char          *base_url,
                                         const char          *token,
                                         GTlsDatabase        *tls_database,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
PvProbeResult *pv_probe_finish          (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
