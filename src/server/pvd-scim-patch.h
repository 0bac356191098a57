/* pvd-scim-patch.h: RFC 7644 §3.5.2 PATCH operations on a resource
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PVD_SCIM_PATCH_ERROR (pvd_scim_patch_error_quark ())

/* The scimType each failure maps to (RFC 7644 §3.12). */
typedef enum {
  PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX,
  PVD_SCIM_PATCH_ERROR_INVALID_PATH,
  PVD_SCIM_PATCH_ERROR_NO_TARGET,
  PVD_SCIM_PATCH_ERROR_INVALID_VALUE,
  PVD_SCIM_PATCH_ERROR_MUTABILITY,
} PvdScimPatchError;

GQuark      pvd_scim_patch_error_quark (void);
const char *pvd_scim_patch_scim_type   (const GError *error);
gboolean    pvd_scim_patch_apply       (JsonObject   *resource,
                                        JsonObject   *request,
                                        const char   *core_schema,
                                        GError      **error);

G_END_DECLS
