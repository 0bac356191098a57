/* pv-renew-window.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"

G_BEGIN_DECLS

#define PV_TYPE_RENEW_WINDOW (pv_renew_window_get_type ())
G_DECLARE_FINAL_TYPE (PvRenewWindow, pv_renew_window, PV, RENEW_WINDOW, AdwWindow)

GtkWindow  *pv_renew_window_new      (PvTenantList  *tenants,
                                      PvTenantInfo  *tenant,
                                      const char    *kind);
GtkWindow  *pv_renew_window_new_setup (PvTenantList *tenants,
                                       PvTenantInfo *tenant,
                                       const char   *kind,
                                       const char   *idp,
                                       const char   *token_id);
const char *pv_renew_window_get_step (PvRenewWindow *self);

G_END_DECLS
