#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/bio.h>

/* BIO_get_mem_data is a macro; Swift cannot call it. */
static inline long ccrypto_bio_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}
#endif
