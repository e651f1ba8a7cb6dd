/*
 * palette: see palette.h.
 */
#include "palette.h"

#include "style.h"

struct ui_pal palette256(int s)
{
    static const short thread[ST_NTHREAD_COLORS] = { 39, 208, 114, 176, 220, 80, 167, 147, 180, 43, 213, 149 };
    static const short state[TS_COUNT_] = {
        [TS_NEW] = -1, [TS_READY] = 250, [TS_PYTHON] = 78, [TS_CCALL] = 179, [TS_NOGIL] = 44,
        [TS_GIL_WAIT] = 203, [TS_SWITCH_WAIT] = 209, [TS_IO] = 69, [TS_SLEEP] = 61, [TS_LOCK_WAIT] = 170,
        [TS_JOIN_WAIT] = 244, [TS_OS] = 141, [TS_DONE] = 240, [TS_SELECT] = 67, [TS_QUEUE_WAIT] = 134,
        [TS_IDLE] = 238, [TS_MAP_WAIT] = 244,
    };
    if (s >= ST_THREAD && s < ST_THREAD + ST_NTHREAD_COLORS)
        return (struct ui_pal){ thread[s - ST_THREAD], -1 };
    if (s >= ST_STATE && s < ST_STATE + TS_COUNT_)   /* 0: a state without a colour yet */
        return (struct ui_pal){ state[s - ST_STATE] ? state[s - ST_STATE] : -1, -1 };
    switch (s) {
    case ST_DIM: return (struct ui_pal){ 245, -1 };
    case ST_BAR: return (struct ui_pal){ 231, 24 };
    case ST_BAR_ACCENT: return (struct ui_pal){ 222, 24 };
    case ST_TITLE: return (struct ui_pal){ 75, -1 };
    case ST_FOCUS: return (struct ui_pal){ 214, -1 };
    case ST_CAPTION: return (struct ui_pal){ 229, -1 };
    case ST_WHY: return (struct ui_pal){ 117, -1 };
    case ST_WARN: return (struct ui_pal){ 203, -1 };
    case ST_PLAYHEAD: return (struct ui_pal){ 220, -1 };
    case ST_KEY: return (struct ui_pal){ 214, -1 };
    case ST_MARK_DROP: return (struct ui_pal){ 220, -1 };
    case ST_MARK_SWITCH: return (struct ui_pal){ 252, -1 };
    case ST_MARK_FORCED: return (struct ui_pal){ 203, -1 };
    case ST_MARK_FAIL: return (struct ui_pal){ 203, -1 };
    default: return (struct ui_pal){ -1, -1 };
    }
}

uint32_t palette_rgb(int i)
{
    static const uint32_t base[16] = { 0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080,
                                       0x008080, 0xc0c0c0, 0x808080, 0xff0000, 0x00ff00, 0xffff00,
                                       0x0000ff, 0xff00ff, 0x00ffff, 0xffffff };
    if (i < 0 || i > 255)
        return PALETTE_DEFAULT_FG;
    if (i < 16)
        return base[i];
    if (i >= 232) {
        uint32_t g = 8 + 10 * (uint32_t)(i - 232);
        return g << 16 | g << 8 | g;
    }
    static const uint32_t level[6] = { 0, 95, 135, 175, 215, 255 };
    int k = i - 16;
    return level[k / 36] << 16 | level[k / 6 % 6] << 8 | level[k % 6];
}
