/* The signed firmware image in its flash slot: image_start .. image_end. IMAGE_PATH is set by
   the Makefile. */
    .section .image, "a"
    .balign 8
    .global image_start
    .global image_end
image_start:
    .incbin IMAGE_PATH
image_end:

    .section .note.GNU-stack, "", %progbits
