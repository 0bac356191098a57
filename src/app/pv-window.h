/* pv-window.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-application.h"

G_BEGIN_DECLS

#define PV_TYPE_WINDOW (pv_window_get_type ())
G_DECLARE_FINAL_TYPE (PvWindow, pv_window, PV, WINDOW, AdwApplicationWindow)

PvWindow   *pv_window_new           (PvApplication *application);
void        pv_window_show_overview (PvWindow      *self);
gboolean    pv_window_show_tenant   (PvWindow      *self,
                                     const char    *id);
void        pv_window_add_toast     (PvWindow      *self,
                                     const char    *text);
const char *pv_window_get_page      (PvWindow      *self);

void        pv_window_search      (PvWindow   *self,
                                   const char *text);
guint       pv_window_get_n_shown (PvWindow   *self);

G_END_DECLS
