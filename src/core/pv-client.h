/* pv-client.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pv-error.h"

G_BEGIN_DECLS

#define PV_TYPE_CLIENT (pv_client_get_type ())
G_DECLARE_FINAL_TYPE (PvClient, pv_client, PV, CLIENT, GObject)

PvClient   *pv_client_new                (const char          *base_url,
                                          const char          *api_key);
PvClient   *pv_client_new_with_key       (PvClient            *self,
                                          const char          *api_key);
const char *pv_client_get_base_url       (PvClient            *self);
void        pv_client_set_tls_database   (PvClient            *self,
                                          GTlsDatabase        *database);
void        pv_client_set_pinned_certificate (PvClient        *self,
                                          const char          *fingerprint);
void        pv_client_set_allow_insecure_http (PvClient       *self,
                                          gboolean             allow);
gint64      pv_client_get_clock_skew     (PvClient            *self);
gint64      pv_client_get_now            (PvClient            *self);

void        pv_client_request_async      (PvClient            *self,
                                          const char          *method,
                                          const char          *path,
                                          JsonNode            *body,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
void        pv_client_request_full_async (PvClient            *self,
                                          const char          *method,
                                          const char          *path,
                                          JsonNode            *body,
                                          const char          *idempotency_key,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
JsonObject *pv_client_request_finish     (PvClient            *self,
                                          GAsyncResult        *result,
                                          GError             **error);
JsonObject *pv_client_request_get_error_answer (GAsyncResult     *result);

G_END_DECLS
