/* pv-guide.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PvGuideStep:
 * @title: what to do, one line
 * @detail: where to find it and what to check
 */
typedef struct {
  char *title;
  char *detail;
} PvGuideStep;

void        pv_guide_step_free          (PvGuideStep *step);
const char *pv_guide_app_name           (const char  *kind);
const char *pv_guide_provider_name      (const char  *identity_provider);
GPtrArray  *pv_guide_renew_steps        (const char  *identity_provider,
                                         const char  *kind,
                                         const char  *tenant_name,
                                         const char  *scim_base_url);

G_END_DECLS
