/* pv-application.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-entra-session.h"
#include "pv-expiry.h"
#include "pv-renewal.h"
#include "pv-tenant-list.h"

G_BEGIN_DECLS

#define PV_TYPE_APPLICATION (pv_application_get_type ())
G_DECLARE_FINAL_TYPE (PvApplication, pv_application, PV, APPLICATION, AdwApplication)

PvApplication *pv_application_new          (GApplicationFlags  flags);
PvTenantList  *pv_application_get_tenants  (PvApplication     *self);
gboolean       pv_application_get_demo     (PvApplication     *self);
gboolean       pv_application_get_busy     (PvApplication     *self);
GSettings     *pv_application_get_settings (PvApplication     *self);
PvEntraSession *pv_application_get_entra   (PvApplication     *self);
void           pv_application_get_policy   (PvApplication     *self,
                                            PvExpiryPolicy    *policy);
const PvExpiryPolicy *pv_application_get_override (PvApplication  *self,
                                                   PvExpiryPolicy *storage);
void           pv_application_get_policy_for (PvApplication   *self,
                                            PvTenantInfo      *tenant,
                                            PvExpiryPolicy    *policy);
void           pv_application_start_demo   (PvApplication     *self);
void           pv_application_leave_demo   (PvApplication     *self);
void           pv_application_refresh      (PvApplication     *self);
PvSetups      *pv_application_get_setups   (PvApplication     *self);

G_END_DECLS
