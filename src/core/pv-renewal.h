/* pv-renewal.h: renewing a connection's token, or setting it up, as one
 * state machine that the app's assistant and provisioctl drive
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"
#include "pv-entra.h"
#include "pv-enums.h"
#include "pv-event-info.h"
#include "pv-tokens.h"

G_BEGIN_DECLS

typedef enum {
  PV_RENEWAL_INTRO,     /* nothing issued yet; or refused, or failed: see the refusal and the error */
  PV_RENEWAL_ISSUING,   /* the identity provider recorded (setup), the token issued */
  PV_RENEWAL_ISSUED,    /* the secret, to show once, then to hand over or paste by the guide */
  PV_RENEWAL_WAITING,   /* waiting for the identity provider's first use of the new token */
  PV_RENEWAL_DONE,      /* it came: the tenant retires the old token by its own rule */
} PvRenewalStep;


/* Setups left midway: which identity provider, which first token */

#define PV_TYPE_SETUPS (pv_setups_get_type ())
G_DECLARE_FINAL_TYPE (PvSetups, pv_setups, PV, SETUPS, GObject)

PvSetups *pv_setups_new         (GFile       *file);
GFile    *pv_setups_default_file (void);
void      pv_setups_load_async  (PvSetups            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean  pv_setups_load_finish (PvSetups      *self,
                                 GAsyncResult  *result,
                                 GError       **error);
void      pv_setups_save_async  (PvSetups            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean  pv_setups_save_finish (PvSetups      *self,
                                 GAsyncResult  *result,
                                 GError       **error);
void      pv_setups_remember    (PvSetups   *self,
                                 const char *tenant,
                                 const char *kind,
                                 const char *idp,
                                 const char *token_id);
void      pv_setups_forget      (PvSetups   *self,
                                 const char *tenant,
                                 const char *kind);
gboolean  pv_setups_lookup      (PvSetups    *self,
                                 const char  *tenant,
                                 const char  *kind,
                                 char       **idp,
                                 char       **token_id);

/* The renewal */

#define PV_TYPE_RENEWAL (pv_renewal_get_type ())
G_DECLARE_FINAL_TYPE (PvRenewal, pv_renewal, PV, RENEWAL, GObject)

PvRenewal           *pv_renewal_new               (PvClient    *client,
                                                   const char  *tenant,
                                                   const char  *kind,
                                                   gboolean     setup,
                                                   PvSetups    *setups);
void                 pv_renewal_set_description   (PvRenewal   *self,
                                                   const char  *description);
void                 pv_renewal_set_retire        (PvRenewal   *self,
                                                   const char  *retire);
void                 pv_renewal_resume            (PvRenewal   *self,
                                                   const char  *idp,
                                                   const char  *token_id);
void                 pv_renewal_issue             (PvRenewal   *self,
                                                   const char  *idp,
                                                   const char  *replace_unused);
void                 pv_renewal_wait              (PvRenewal   *self,
                                                   guint        interval_ms);
void                 pv_renewal_forget_secret     (PvRenewal   *self);
gboolean             pv_renewal_send_demo_request (PvRenewal   *self);
void                 pv_renewal_hand_over_async   (PvRenewal           *self,
                                                   PvGraph             *graph,
                                                   const PvEntraLink   *link,
                                                   PvHandOverFunc       step_func,
                                                   gpointer             step_data,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
PvEntraJob          *pv_renewal_hand_over_finish  (PvRenewal           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
void                 pv_renewal_cancel            (PvRenewal   *self);

PvRenewalStep        pv_renewal_get_step          (PvRenewal   *self);
gboolean             pv_renewal_get_setup         (PvRenewal   *self);
const char          *pv_renewal_get_kind          (PvRenewal   *self);
const char          *pv_renewal_get_idp           (PvRenewal   *self);
const char          *pv_renewal_get_token_id      (PvRenewal   *self);
const PvIssuedToken *pv_renewal_get_issued        (PvRenewal   *self);
const PvIssueRefusal *pv_renewal_get_refusal      (PvRenewal   *self);
const GError        *pv_renewal_get_error         (PvRenewal   *self);
GListModel          *pv_renewal_get_events        (PvRenewal   *self);
PvEventInfo         *pv_renewal_get_first_use     (PvRenewal   *self);

G_END_DECLS
