/* pv-event-watch.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"
#include "pv-event-info.h"

G_BEGIN_DECLS

#define PV_TYPE_EVENT_WATCH (pv_event_watch_get_type ())
G_DECLARE_FINAL_TYPE (PvEventWatch, pv_event_watch, PV, EVENT_WATCH, GObject)

PvEventWatch *pv_event_watch_new        (PvClient     *client,
                                         const char   *kind,
                                         const char   *token_id,
                                         guint         interval_ms);
GListModel   *pv_event_watch_get_events (PvEventWatch *self);
void          pv_event_watch_start      (PvEventWatch *self);
void          pv_event_watch_stop       (PvEventWatch *self);

void          pv_event_list_async       (PvClient            *client,
                                         const char          *kind,
                                         guint                limit,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray    *pv_event_list_finish      (GAsyncResult        *result,
                                         JsonNode           **out_json,
                                         GError             **error);

G_END_DECLS
