/* pvd-scim-filter.h: SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PVD_SCIM_FILTER_ERROR (pvd_scim_filter_error_quark ())

typedef enum {
  PVD_SCIM_FILTER_ERROR_INVALID_FILTER,
  PVD_SCIM_FILTER_ERROR_INVALID_PATH,
} PvdScimFilterError;

#define PVD_SCIM_FILTER_MAX_LENGTH 4096
#define PVD_SCIM_FILTER_MAX_DEPTH 32
#define PVD_SCIM_FILTER_MAX_NODES 200

/* Whether string comparisons on an attribute path ("emails.value",
 * "urn:…:User:employeeNumber") respect case; NULL: none do. */
typedef gboolean (*PvdScimCaseExactFunc) (const char *attribute_path,
                                          gpointer    user_data);

/* For pvd_scim_filter_foreach_comparison(): an attribute path as
 * pvd_scim_attribute_is_case_exact() takes it, and whether the operator
 * orders (gt, ge, lt, le). */
typedef gboolean (*PvdScimComparisonFunc) (const char *attribute_path,
                                           gboolean    ordering,
                                           gpointer    user_data);

typedef struct _PvdScimFilter PvdScimFilter;
typedef struct _PvdScimPath PvdScimPath;

GQuark         pvd_scim_filter_error_quark    (void);

PvdScimFilter *pvd_scim_filter_parse          (const char           *text,
                                               GError              **error);
void           pvd_scim_filter_free           (PvdScimFilter        *filter);
gboolean       pvd_scim_filter_matches        (PvdScimFilter        *filter,
                                               JsonObject           *resource,
                                               PvdScimCaseExactFunc  case_exact);
gboolean       pvd_scim_filter_foreach_comparison (PvdScimFilter    *filter,
                                               PvdScimComparisonFunc func,
                                               gpointer              user_data);
gboolean       pvd_scim_filter_is_simple_eq   (PvdScimFilter        *filter,
                                               const char          **out_attribute,
                                               const char          **out_value);

PvdScimPath   *pvd_scim_path_parse            (const char           *text,
                                               GError              **error);
void           pvd_scim_path_free             (PvdScimPath          *path);
const char    *pvd_scim_path_get_attribute    (PvdScimPath          *path);
const char    *pvd_scim_path_get_sub_attribute (PvdScimPath         *path);
PvdScimFilter *pvd_scim_path_get_filter       (PvdScimPath          *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdScimFilter, pvd_scim_filter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdScimPath, pvd_scim_path_free)

G_END_DECLS
