/* pv-app-page.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"
#include "pv-vendor.h"

G_BEGIN_DECLS

#define PV_TYPE_APP_PAGE (pv_app_page_get_type ())
G_DECLARE_FINAL_TYPE (PvAppPage, pv_app_page, PV, APP_PAGE, AdwPreferencesPage)

#define PV_TYPE_APP_CONNECTION_GROUP (pv_app_connection_group_get_type ())
G_DECLARE_FINAL_TYPE (PvAppConnectionGroup, pv_app_connection_group, PV, APP_CONNECTION_GROUP, AdwPreferencesGroup)

GtkWidget    *pv_app_page_new                  (void);
void          pv_app_page_set_tenant           (PvAppPage            *self,
                                                PvTenantInfo         *tenant,
                                                PvTenantList         *tenants);
PvTenantInfo *pv_app_page_get_tenant           (PvAppPage            *self);
const char   *pv_app_connection_group_get_kind (PvAppConnectionGroup *self);

void          pv_app_page_describe_console     (GtkWidget            *group,
                                                const PvVendor       *vendor);
void          pv_app_page_add_steps            (GtkWidget            *group,
                                                GPtrArray            *steps);

G_END_DECLS
