// mkpe.mjs: writes a minimal valid PE32 executable (one .text section holding `ret`) for the
// osslsigncode test, so the test needs no compiler for Windows. usage: node mkpe.mjs OUT.exe
import { writeFileSync } from 'node:fs';

if (process.argv.length !== 3 || process.argv[2] === '--help') {
  process.stderr.write('usage: node mkpe.mjs OUT.exe\n');
  process.exit(2);
}
const b = Buffer.alloc(0x400);
b.write('MZ', 0);
b.writeUInt32LE(0x40, 0x3c); // e_lfanew
b.write('PE\0\0', 0x40);
let o = 0x44; // COFF file header
b.writeUInt16LE(0x14c, o); // i386
b.writeUInt16LE(1, o + 2); // one section
b.writeUInt16LE(0xe0, o + 16); // SizeOfOptionalHeader: PE32 with 16 data directories
b.writeUInt16LE(0x0102, o + 18); // executable, 32-bit
o += 20; // optional header
b.writeUInt16LE(0x10b, o); // PE32
b.writeUInt32LE(0x200, o + 4); // SizeOfCode
b.writeUInt32LE(0x1000, o + 16); // AddressOfEntryPoint
b.writeUInt32LE(0x1000, o + 20); // BaseOfCode
b.writeUInt32LE(0x400000, o + 28); // ImageBase
b.writeUInt32LE(0x1000, o + 32); // SectionAlignment
b.writeUInt32LE(0x200, o + 36); // FileAlignment
b.writeUInt16LE(4, o + 40); // MajorOperatingSystemVersion
b.writeUInt16LE(4, o + 48); // MajorSubsystemVersion
b.writeUInt32LE(0x2000, o + 56); // SizeOfImage
b.writeUInt32LE(0x200, o + 60); // SizeOfHeaders
b.writeUInt16LE(3, o + 68); // console subsystem
b.writeUInt32LE(0x100000, o + 72); // SizeOfStackReserve
b.writeUInt32LE(0x1000, o + 76); // SizeOfStackCommit
b.writeUInt32LE(0x100000, o + 80); // SizeOfHeapReserve
b.writeUInt32LE(0x1000, o + 84); // SizeOfHeapCommit
b.writeUInt32LE(16, o + 92); // NumberOfRvaAndSizes (directories stay zero)
o += 0xe0; // section header
b.write('.text', o);
b.writeUInt32LE(1, o + 8); // VirtualSize
b.writeUInt32LE(0x1000, o + 12); // VirtualAddress
b.writeUInt32LE(0x200, o + 16); // SizeOfRawData
b.writeUInt32LE(0x200, o + 20); // PointerToRawData
b.writeUInt32LE(0x60000020, o + 36); // code, execute, read
b[0x200] = 0xc3; // ret
writeFileSync(process.argv[2], b);
