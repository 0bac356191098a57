/* pv-paste-renew-window.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"

G_BEGIN_DECLS

#define PV_TYPE_PASTE_RENEW_WINDOW (pv_paste_renew_window_get_type ())
G_DECLARE_FINAL_TYPE (PvPasteRenewWindow, pv_paste_renew_window, PV, PASTE_RENEW_WINDOW, AdwWindow)

PvPasteRenewWindow *pv_paste_renew_window_new (PvTenantList       *tenants,
                                               const PvTrackedApp *app,
                                               const char         *kind);

G_END_DECLS
