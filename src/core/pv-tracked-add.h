/* pv-tracked-add.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-tracked-app.h"

G_BEGIN_DECLS

/**
 * PvTrackRequest:
 * @id: the app's short name
 * @name: (nullable): its name for people (default: the vendor's)
 * @vendor: the catalog's vendor id
 * @kind: "users" or "persons"
 * @scim_base_url: (nullable): the vendor's own if it has one
 * @pasted: (nullable): the token as pasted; %NULL to track the dates only
 * @issued_at: when the token was made, or 0 for now
 * @entered_expiry: the expiry entered, or 0
 *
 * What an admin gives to track one connection of an app.
 */
typedef struct {
  const char *id;
  const char *name;
  const char *vendor;
  const char *kind;
  const char *scim_base_url;
  const char *pasted;
  gint64      issued_at;
  gint64      entered_expiry;
} PvTrackRequest;

void          pv_tracked_app_track_async  (GFile                *apps_file,
                                           const PvTrackRequest *request,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
PvTrackedApp *pv_tracked_app_track_finish (GAsyncResult         *result,
                                           GError              **error);

void          pv_tracked_app_paste_async        (GFile                *apps_file,
                                                 const char           *id,
                                                 const char           *kind,
                                                 const char           *pasted,
                                                 gint64                issued_at,
                                                 gint64                entered_expiry,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
PvTrackedApp *pv_tracked_app_paste_finish       (GAsyncResult         *result,
                                                 char                **token,
                                                 GError              **error);
void          pv_tracked_app_handed_over_async  (GFile                *apps_file,
                                                 const char           *id,
                                                 const char           *kind,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
PvTrackedApp *pv_tracked_app_handed_over_finish (GAsyncResult         *result,
                                                 GError              **error);
void          pv_tracked_app_sent_async         (GFile                *apps_file,
                                                 const char           *id,
                                                 const char           *kind,
                                                 gint64                sent_at,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
PvTrackedApp *pv_tracked_app_sent_finish        (GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
