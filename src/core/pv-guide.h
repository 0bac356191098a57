/* pv-guide.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * PvGuideStep:
 * @title: what to do, one line
 * @detail: where to find it and what to check
 * @link: (nullable): the admin portal's page for it
 * @fields: (array zero-terminated=1): values the step needs, with a copy
 *   button: "tenant-url", "secret-token"
 */
typedef struct {
  char  *title;
  char  *detail;
  char  *link;
  char **fields;
} PvGuideStep;

/**
 * PvAttributeMapping:
 * @source: the identity provider's attribute or expression
 * @target: the SCIM attribute of the tenant
 * @note: (nullable): matching precedence, or when it applies
 */
typedef struct {
  const char *source;
  const char *target;
  const char *note;
} PvAttributeMapping;

void        pv_guide_step_free      (PvGuideStep *step);
const PvAttributeMapping *pv_guide_mappings (const char *identity_provider,
                                             guint      *n_mappings);
const char *pv_guide_app_name       (const char  *kind);
const char *pv_guide_provider_name  (const char  *identity_provider);
gint64      pv_guide_provider_cycle (const char  *identity_provider);
GPtrArray  *pv_guide_steps          (const char  *identity_provider,
                                     const char  *task,
                                     const char  *kind,
                                     const char  *tenant_name,
                                     const char  *scim_base_url,
                                     GError     **error);
GPtrArray  *pv_guide_renew_steps    (const char  *identity_provider,
                                     const char  *kind,
                                     const char  *tenant_name,
                                     const char  *scim_base_url);
char      **pv_guide_list           (void);
GPtrArray  *pv_guide_parse          (const char  *name,
                                     const char  *data,
                                     gsize        length,
                                     GError     **error);

G_END_DECLS
