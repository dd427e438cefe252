/* Forced into every C file of the x86_64 CPython build (-include). glibc 2.29 gave exp, exp2,
 * log, log2 and pow new symbol versions (no SVID error handling); binding to the old ones
 * keeps the interpreter loadable on glibc 2.28 (UOS 20). Same results for finite input. */
#if defined(__x86_64__) && !defined(__ASSEMBLER__)
__asm__(".symver exp,exp@GLIBC_2.2.5");
__asm__(".symver exp2,exp2@GLIBC_2.2.5");
__asm__(".symver log,log@GLIBC_2.2.5");
__asm__(".symver log2,log2@GLIBC_2.2.5");
__asm__(".symver pow,pow@GLIBC_2.2.5");
#endif
