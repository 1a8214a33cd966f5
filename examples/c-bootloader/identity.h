/* The bootloader's DICE step (identity.c), compiled with IDENTITY=1. */
#ifndef BOOT_IDENTITY_H
#define BOOT_IDENTITY_H

#include <stdint.h>

#include "pqhybrid.h"

/* Derives the identity from the test UDS and the verified image `info`, writes the DeviceID CSR,
   the Alias certificate and the evidence for the host's nonce over semihosting, and wipes the
   state. 0 on success. */
int identity_boot(const pqh_fw_image_info *info);

#endif
