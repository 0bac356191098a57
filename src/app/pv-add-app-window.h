/* pv-add-app-window.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"

G_BEGIN_DECLS

#define PV_TYPE_ADD_APP_WINDOW (pv_add_app_window_get_type ())
G_DECLARE_FINAL_TYPE (PvAddAppWindow, pv_add_app_window, PV, ADD_APP_WINDOW, AdwWindow)

PvAddAppWindow *pv_add_app_window_new (PvTenantList *tenants);

G_END_DECLS
