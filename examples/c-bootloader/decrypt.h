/* The bootloader's decryption of an encrypted image (decrypt.c), compiled with DECRYPT=1. */
#ifndef BOOT_DECRYPT_H
#define BOOT_DECRYPT_H

/* Verifies the encrypted image in slot A, decrypts it into slot B with the device's test KEM key
   and reports the verdict and the figures over semihosting (slot B goes to the host as
   DECRYPT_DIR/slot-b.bin). 0 if slot B holds the verified plaintext, non-zero otherwise (slot B
   erased). */
int decrypt_boot(void);

#endif
