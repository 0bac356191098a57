/* pv-connect-window.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"

G_BEGIN_DECLS

#define PV_TYPE_CONNECT_WINDOW (pv_connect_window_get_type ())
G_DECLARE_FINAL_TYPE (PvConnectWindow, pv_connect_window, PV, CONNECT_WINDOW, AdwWindow)

PvConnectWindow *pv_connect_window_new (PvTenantList *tenants);

void             pv_connect_window_pin_file (PvConnectWindow *self,
                                             GFile           *file);

G_END_DECLS
