/* pv-entra-ui.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-entra-session.h"
#include "pv-tenant-info.h"

G_BEGIN_DECLS

#define PV_TYPE_ENTRA_LINK_WINDOW (pv_entra_link_window_get_type ())
G_DECLARE_FINAL_TYPE (PvEntraLinkWindow, pv_entra_link_window, PV, ENTRA_LINK_WINDOW, AdwWindow)

#define PV_TYPE_ENTRA_SIGN_IN_WINDOW (pv_entra_sign_in_window_get_type ())
G_DECLARE_FINAL_TYPE (PvEntraSignInWindow, pv_entra_sign_in_window, PV, ENTRA_SIGN_IN_WINDOW, AdwWindow)


GtkWidget *pv_entra_preferences_group_new (PvEntraSession *session);
GtkWindow *pv_entra_saml_steps_window_new (GtkWindow      *parent,
                                           PvTenantInfo   *certificate);
GtkWindow *pv_entra_sign_in_window_new    (GtkWindow      *parent,
                                           PvEntraSession *session);
GtkWindow *pv_entra_link_window_new       (GtkWindow      *parent,
                                           PvEntraSession *session,
                                           PvTenantInfo   *tenant,
                                           const char     *kind);

G_END_DECLS
