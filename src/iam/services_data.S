/* Embeds data/services.tsv (path given by IAMD_SERVICES_FILE) as read-only data. */
        .section .rodata
        .global iamd_services_begin
        .global iamd_services_end
iamd_services_begin:
        .incbin IAMD_SERVICES_FILE
iamd_services_end:
        .byte 0
        .section .note.GNU-stack,"",@progbits
