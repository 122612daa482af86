// get_wch results → Key. `status` is get_wch's return (OK for a character, KEY_CODE_YES for a
// function key); `code` the character or key code it stored.
import CNcurses
import PDETRender

public enum KeyDecoder {
    /// The key for one get_wch result; nil for ERR (timeout). `size` is reported with KEY_RESIZE.
    public static func decode(status: Int32, code: UInt32, size: (width: Int, height: Int)) -> Key? {
        if status == KEY_CODE_YES { return functionKey(Int32(truncatingIfNeeded: code), size: size) }
        if status == OK { return character(code) }
        return nil
    }

    /// keypad(TRUE) turns escape sequences into these codes.
    static func functionKey(_ code: Int32, size: (width: Int, height: Int)) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case pdet_key_resize(): return .resize(width: size.width, height: size.height)
        default: return .unknown(code)
        }
    }

    /// A mouse event from getmouse: a click of button 1–3, taken at its release (or a resolved click),
    /// or a wheel step (button 4 up, 5 down) at cell (x, y); nil for anything else. Presses are not
    /// events: when press and release arrive together ncurses reports the release alone, so acting on
    /// presses would lose fast clicks and acting on both would double slow ones.
    public static func mouse(buttonState: mmask_t, x: Int32, y: Int32) -> Key? {
        let button: MouseButton
        if buttonState & (pdet_button1_released() | pdet_button1_clicked()) != 0 {
            button = .left
        } else if buttonState & pdet_button4_pressed() != 0 {
            button = .wheelUp
        } else if buttonState & pdet_button5_pressed() != 0 {
            button = .wheelDown
        } else if buttonState & pdet_button2_released() != 0 {
            button = .middle
        } else if buttonState & pdet_button3_released() != 0 {
            button = .right
        } else {
            return nil
        }
        guard x >= 0, y >= 0 else { return nil }
        return .mouse(MouseEvent(x: Int(x), y: Int(y), button: button))
    }

    /// Plain characters: control codes become named keys or .ctrl(letter).
    static func character(_ code: UInt32) -> Key {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(code) + 96)))  // 1 → "a"
        case 0..<32, 0x80..<0xA0: return .unknown(Int32(code))
        default:
            guard let scalar = Unicode.Scalar(code) else { return .unknown(Int32(truncatingIfNeeded: code)) }
            return .char(Character(scalar))
        }
    }
}
