/* pv-timeline.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

#define PV_TYPE_TIMELINE (pv_timeline_get_type ())
G_DECLARE_FINAL_TYPE (PvTimeline, pv_timeline, PV, TIMELINE, GtkWidget)

GtkWidget *pv_timeline_new       (void);
void       pv_timeline_set_items (PvTimeline           *self,
                                  GPtrArray            *items,
                                  gint64                now,
                                  const PvExpiryPolicy *policy);
guint      pv_timeline_get_n_bars (PvTimeline          *self);
guint      pv_timeline_get_n_rows (PvTimeline          *self);
gboolean   pv_timeline_activate_row (PvTimeline        *self,
                                     guint              row);

G_END_DECLS
